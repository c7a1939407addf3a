import type { INode } from 'n8n-workflow';

import { Validator } from '../../../../nodes/Kapture/helpers/validation';

const node = { name: 'Kapture Order', type: 'kaptureOrder', typeVersion: 1, parameters: {} } as unknown as INode;

/** A Validator for one item of a Kapture Order node, as the operations make it. */
export const validatorFor = (item = 0) => new Validator(node, item);
