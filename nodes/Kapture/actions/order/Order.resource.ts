/**
 * The operations of the Order resource: one line each, exported under the
 * operation's option value (what saved workflows store). The editor list, the
 * router and the node's subtitle are all derived from this list (see
 * actions/router.ts), so a new operation is its file plus one line here.
 */
export * as add from './add.operation';
export * as get from './get.operation';
export * as pay from './pay.operation';
export * as pull from './pull.operation';
export * as update from './update.operation';
export * as upsert from './upsert.operation';
