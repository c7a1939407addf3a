import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { DateFormat } from '../../../../shared/helpers/dates';
import type { TextLimit, Validator } from '../../../../shared/helpers/validation';

/**
 * One Kapture body field, described once: the editor property (toProperty)
 * and the body value (mapFields) both come from it, here, so the two can
 * never drift apart.
 */
export interface FieldSpec {
	/** Parameter name in the node. */
	name: string;
	/** Key in Kapture's request body. */
	key: string;
	displayName: string;
	description: string;
	kind?: 'text' | 'id' | 'email' | 'boolean' | 'number' | 'keyValue' | DateFormat;
	placeholder?: string;
	/** Longest text accepted (see TEXT_LIMITS); 'short' unless said. */
	limit?: TextLimit;
	/** Default for fields of a fixed collection (always present there). */
	default?: string | number | boolean;
}

const DATE_HINT: Record<DateFormat, string> = {
	day: 'sent as YYYY-MM-DD',
	minute: 'sent as YYYY-MM-DD HH:mm',
	second: 'sent as YYYY-MM-DD HH:mm:ss',
};

/** The editor property of one field. */
export function toProperty(spec: FieldSpec): INodeProperties {
	const base = { displayName: spec.displayName, name: spec.name };
	switch (spec.kind) {
		case 'boolean':
			return { ...base, type: 'boolean', default: spec.default ?? false, description: spec.description };
		case 'number':
			return { ...base, type: 'number', default: spec.default ?? 0, description: spec.description };
		case 'day':
		case 'minute':
		case 'second':
			return {
				...base,
				type: 'dateTime',
				default: '',
				description: `${spec.description} (${DATE_HINT[spec.kind]})`,
			};
		case 'keyValue':
			return {
				...base,
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Field',
				default: {},
				description: spec.description,
				options: [
					{
						displayName: 'Field',
						name: 'field',
						values: [
							{
								displayName: 'Name',
								name: 'name',
								type: 'string',
								default: '',
								description: 'Name of the field in Kapture',
							},
							{
								displayName: 'Value',
								name: 'value',
								type: 'string',
								default: '',
								description: 'Value to store in that field',
							},
						],
					},
				],
			};
		case 'email':
			return {
				...base,
				type: 'string',
				placeholder: spec.placeholder ?? 'name@email.com',
				default: spec.default ?? '',
				description: spec.description,
			};
		default:
			return {
				...base,
				type: 'string',
				default: spec.default ?? '',
				...(spec.placeholder ? { placeholder: spec.placeholder } : {}),
				description: spec.description,
			};
	}
}

/** Properties of a list of specs, sorted by label as n8n lists collection options. */
export function toSortedProperties(specs: FieldSpec[]): INodeProperties[] {
	return specs.map(toProperty).sort((a, b) => a.displayName.localeCompare(b.displayName));
}

function keyValues(v: Validator, value: unknown, label: string): IDataObject {
	const entries = ((value as IDataObject | undefined)?.field ?? []) as IDataObject[];
	const result: IDataObject = {};
	for (const entry of Array.isArray(entries) ? entries : []) {
		const name = v.limited(entry.name, `${label} > Name`);
		if (name === '') continue;
		// A value goes to Kapture as it is, an object or list too: its bound is on what is sent.
		result[name] = v.sentAsIs(entry.value ?? '', `${label} > ${name}`, 'long') as IDataObject[string];
	}
	return result;
}

/** Maps the fields of one block; `group` prefixes the labels in error messages. */
export function mapFields(
	v: Validator,
	specs: FieldSpec[],
	values: IDataObject | undefined,
	group: string,
): IDataObject {
	const body: IDataObject = {};
	if (!values) return body;
	for (const spec of specs) {
		if (!(spec.name in values)) continue;
		const raw = values[spec.name];
		const label = `${group} > ${spec.displayName}`;
		let mapped: unknown;
		switch (spec.kind) {
			case 'boolean':
				mapped = raw === true || raw === 'true';
				break;
			case 'number': {
				const number = v.number(raw, label);
				mapped = number === undefined ? '' : String(number);
				break;
			}
			case 'id':
				mapped = v.id(raw, label);
				break;
			case 'email':
				mapped = v.email(raw, label);
				break;
			case 'day':
			case 'minute':
			case 'second':
				mapped = v.date(raw, label, spec.kind);
				break;
			case 'keyValue': {
				const object = keyValues(v, raw, label);
				mapped = Object.keys(object).length > 0 ? object : '';
				break;
			}
			default:
				mapped = v.limited(raw, label, spec.limit);
		}
		if (mapped !== '') body[spec.key] = mapped as IDataObject[keyof IDataObject];
	}
	return body;
}
