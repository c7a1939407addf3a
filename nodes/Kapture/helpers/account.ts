import type { IExecuteFunctions, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { KAPTURE } from '../../shared/transport';

/** The account ID (cmId) the v1 pull needs, from the credential; checked before any request. */
export async function accountId(context: IExecuteFunctions | IPollFunctions): Promise<number> {
	const credentials = await context.getCredentials(KAPTURE.credentialType);
	const cmId = Number(credentials.cmId);
	if (!Number.isInteger(cmId) || cmId <= 0) {
		throw new NodeOperationError(
			context.getNode(),
			`Account ID (cmId) in the Kapture credential must be a whole number greater than 0, got "${String(credentials.cmId ?? '')}"`,
			{
				description:
					'The Kapture v1 API (Get Many, Get by v1 and the trigger) needs your account ID to read orders. Ask Kapture support for it and enter it in the credential.',
			},
		);
	}
	return cmId;
}
