/** The operations of the Cart resource, one line each (see Order.resource.ts). */
export * as get from './get.operation';
