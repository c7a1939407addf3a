import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { pullPartnerPages, pullV1Pages } from '../../../../../nodes/Kapture/helpers/orderPages';
import { kaptureRequest, RequestScheduler, type KaptureEndpointName } from '../../../../../nodes/shared/transport';

/**
 * Test-only node: calls the transport exactly as the real nodes do, so the
 * transport is exercised through n8n-core's HTTP stack and credential handling.
 */
export class TransportProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Transport Probe',
		name: 'transportProbe',
		group: ['transform'],
		version: 1,
		description: 'Calls the Kapture transport (tests only)',
		defaults: { name: 'Transport Probe' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'kaptureApi', required: true }],
		properties: [
			{ displayName: 'Call', name: 'call', type: 'string', default: 'request' },
			{ displayName: 'Endpoint', name: 'endpoint', type: 'string', default: 'v1Pull' },
			{ displayName: 'Body', name: 'body', type: 'json', default: '{}' },
			{ displayName: 'Options', name: 'options', type: 'json', default: '{}' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const call = this.getNodeParameter('call', 0) as string;
		const endpoint = this.getNodeParameter('endpoint', 0) as KaptureEndpointName;
		const body = JSON.parse(this.getNodeParameter('body', 0) as string) as IDataObject & { start?: unknown; end?: unknown };
		const options = JSON.parse(String(this.getNodeParameter('options', 0))) as IDataObject;
		const requestOptions = { ...options, scheduler: new RequestScheduler(1) };

		if (call === 'pullV1' || call === 'pullPartner') {
			const { start, end, ...extra } = body;
			const pages =
				call === 'pullV1'
					? pullV1Pages.call(this, body, requestOptions as never)
					: pullPartnerPages.call(this, String(start), String(end), extra, requestOptions as never);
			const output: INodeExecutionData[] = [];
			for await (const { records, read } of pages) {
				output.push({ json: { size: read.length, ids: records.map((order) => String(order.id)) } });
			}
			return [output];
		}
		const answer = await kaptureRequest.call(this, endpoint, body, requestOptions);
		return [[{ json: Array.isArray(answer) ? { list: answer } : answer }]];
	}
}
