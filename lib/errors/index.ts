export * from './catalog.js';
export { formatGraphQLError } from './format.js';
