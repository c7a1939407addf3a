import { operationMap, resourceProperties } from '../../../shared/helpers/operations';
import * as create from './create.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

/**
 * The operations of the Order resource, each filed under its option value.
 * The editor list, the router and the node's subtitle are derived from this
 * map: a new operation is its file plus one entry here.
 */
export const operations = operationMap({ create, get, getAll });

export const description = resourceProperties('order', operations, 'create');
