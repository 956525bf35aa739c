export { IRules, IRule } from './types.cjs';
export { shield } from './shield.cjs';
export { rule, inputRule, allow, deny, and, chain, race, or, not, } from './constructors.cjs';
