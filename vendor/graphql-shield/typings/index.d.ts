export { IRules, IRule } from './types.js';
export { shield } from './shield.js';
export { rule, inputRule, allow, deny, and, chain, race, or, not, } from './constructors.js';
