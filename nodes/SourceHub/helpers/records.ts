import type { IDataObject } from 'n8n-workflow';

import { isObject } from '../../shared/helpers/objects';

/** The value as a JSON object; {} for anything else (SourceHub sends [] for "none"). */
export function objectOf(value: unknown): IDataObject {
	return isObject(value) ? value : {};
}

/** The value as a list of JSON objects; [] for anything else. */
export function listOf(value: unknown): IDataObject[] {
	return Array.isArray(value) ? value.map(objectOf) : [];
}
