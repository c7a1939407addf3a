import { operationMap, resourceProperties } from '../../../shared/helpers/operations';
import * as add from './add.operation';
import * as get from './get.operation';
import * as pay from './pay.operation';
import * as pull from './pull.operation';
import * as update from './update.operation';
import * as upsert from './upsert.operation';

/**
 * The operations of the Order resource, each filed under its option value.
 * The editor list, the router and the node's subtitle are derived from this
 * map: a new operation is its file plus one entry here.
 */
export const operations = operationMap({ add, get, pay, pull, update, upsert });

export type OrderOperation = keyof typeof operations;

export const description = resourceProperties('order', operations, 'add');
