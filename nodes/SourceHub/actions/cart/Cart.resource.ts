import { operationMap, resourceProperties } from '../../../shared/helpers/operations';
import * as get from './get.operation';

/** The operations of the Cart resource (see Order.resource.ts). */
export const operations = operationMap({ get });

export const description = resourceProperties('cart', operations, 'get');
