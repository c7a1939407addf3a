/**
 * A node's subtitle as the editor shows it under the node on the canvas: the
 * node's parameters with n8n's defaults filled in, and the description's
 * `subtitle` expression resolved by n8n-workflow's own expression engine (the
 * editor calls the same `getSimpleParameterValue`).
 */
import { NodeHelpers, Workflow } from 'n8n-workflow';
import type { INode, INodeParameters, INodeType } from 'n8n-workflow';

import { EngineNodeTypes } from './engine';

export function editorSubtitle(nodeType: INodeType, parameters: INodeParameters): unknown {
	const { description } = nodeType;
	const type = `test.${description.name}`;
	const node: INode = {
		id: 'subtitle',
		name: description.defaults.name ?? description.displayName,
		type,
		typeVersion: Array.isArray(description.version) ? description.version[description.version.length - 1] : description.version,
		position: [0, 0],
		parameters: NodeHelpers.getNodeParameters(description.properties, parameters, true, false, null, description) ?? {},
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: new EngineNodeTypes({ [type]: nodeType }) });
	return workflow.expression.getSimpleParameterValue(node, description.subtitle as string, 'internal', {});
}

/** Every operation the editor offers, per resource: `[resource, operation value, operation name]`. */
export function listedOperations(nodeType: INodeType): Array<[string, string, string]> {
	return nodeType.description.properties
		.filter((property) => property.name === 'operation')
		.flatMap((property) =>
			(property.displayOptions?.show?.resource as string[]).flatMap((resource) =>
				(property.options as Array<{ name: string; value: string }>).map(({ name, value }): [string, string, string] => [resource, value, name]),
			),
		);
}
