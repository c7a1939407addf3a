import type { INodeProperties } from 'n8n-workflow';

import { fieldsModeOnly, upFrontFields } from './common';
import { toProperty, toSortedProperties, type FieldSpec } from './fieldSpec';

export type WriteOperation = 'add' | 'update';

/**
 * The forms the order fields appear in. Create or Update (`upsert`) shows
 * Create's fields; its ERP Order ID is a required parameter of its own, so
 * the Order Fields collection leaves that field out.
 */
export type OrderForm = WriteOperation | 'upsert';

/** The fields of a collection in one form: without the ERP Order ID where it is asked up front. */
export function fieldsOfForm(specs: FieldSpec[], form: OrderForm): FieldSpec[] {
	return form === 'upsert' ? specs.filter((spec) => spec.name !== 'erpOrderId') : specs;
}

/** Order Fields' description in each form. */
export function orderFieldsDescription(form: OrderForm, kaptureBlock: string): string {
	if (form === 'add') return `Details of the order${kaptureBlock}`;
	if (form === 'update') return `Order details to change; fields left out keep their value${kaptureBlock}`;
	return `Details of the order${kaptureBlock}. When the order exists, fields left out keep their value.`;
}

/** customer_info: who the order is for. Name, phone and email are separate parameters up front. */
export const CUSTOMER_FIELDS: FieldSpec[] = [
	{ name: 'address', key: 'address', displayName: 'Address', description: "Customer's postal address", limit: 'address' },
	{ name: 'locality', key: 'locality', displayName: 'Locality', description: 'Locality or neighbourhood of the customer' },
	{ name: 'city', key: 'city', displayName: 'City', description: "Customer's city" },
	{ name: 'state', key: 'state', displayName: 'State', description: "Customer's state or province" },
	{ name: 'country', key: 'country', displayName: 'Country', description: "Customer's country, for example India" },
	{ name: 'pincode', key: 'pincode', displayName: 'PIN Code', description: "Postal (PIN) code of the customer's address" },
	{ name: 'zone', key: 'zone', displayName: 'Zone', description: 'Sales zone the customer belongs to' },
	{ name: 'type', key: 'type', displayName: 'Customer Type', description: "Customer type as configured in Kapture" },
	{ name: 'classification', key: 'classification', displayName: 'Classification', description: 'Customer classification as configured in Kapture' },
	{ name: 'customerCode', key: 'customer_code', displayName: 'Customer Code', description: 'Your own code for the customer, for example the ID in your ERP' },
	{ name: 'customerId', key: 'customer_id', displayName: 'Customer ID', kind: 'id', description: "Kapture's numeric ID of an existing customer to attach the order to" },
	{ name: 'customerAssignEmpName', key: 'customer_assign_emp_name', displayName: 'Customer Owner Name', description: 'Name of the employee the customer is assigned to' },
	{ name: 'customerAssignEmpCode', key: 'customer_assign_emp_code', displayName: 'Customer Owner Code', description: 'Employee code of the employee the customer is assigned to' },
	{ name: 'customerAssignEmpEmail', key: 'customer_assign_emp_email', displayName: 'Customer Owner Email', kind: 'email', description: 'Email of the employee the customer is assigned to' },
	{ name: 'customerRemarks', key: 'customer_remarks', displayName: 'Customer Remarks', description: 'Notes kept on the customer record', limit: 'long' },
	{ name: 'remarks', key: 'remarks', displayName: 'Remarks', description: 'Remarks sent with the customer details', limit: 'long' },
	{ name: 'individual', key: 'individual', displayName: 'Is Individual', kind: 'boolean', description: 'Whether the customer is a private person' },
	{ name: 'organization', key: 'organization', displayName: 'Is Organization', kind: 'boolean', description: 'Whether the customer is a company or other organization' },
	{ name: 'channelPartner', key: 'channel_partner', displayName: 'Is Channel Partner', kind: 'boolean', description: 'Whether the customer is one of your channel partners' },
	{ name: 'primarySource', key: 'primary_source', displayName: 'Primary Source', description: 'Where the customer came from (first level)' },
	{ name: 'secondarySource', key: 'secondary_source', displayName: 'Secondary Source', description: 'Where the customer came from (second level)' },
	{ name: 'tertiarySource', key: 'tertiary_source', displayName: 'Tertiary Source', description: 'Where the customer came from (third level)' },
	{ name: 'additionalFields', key: 'additional_fields', displayName: 'Additional Fields', kind: 'keyValue', description: "Custom customer fields of your Kapture account, by their Kapture name" },
	{ name: 'associateFields', key: 'associate_fields', displayName: 'Associate Fields', kind: 'keyValue', description: 'Associated customer fields of your Kapture account, by their Kapture name' },
	{ name: 'updateExisting', key: 'update', displayName: 'Update Existing Customer', kind: 'boolean', description: 'Whether to overwrite the details of the matching existing customer with the values sent here. Off: an existing customer is only linked, not changed.' },
];

/** contact_info: one entry per contact person. */
export const CONTACT_FIELDS: FieldSpec[] = [
	{ name: 'contactId', key: 'contact_id', displayName: 'Contact ID', kind: 'id', description: "Kapture's numeric ID of an existing contact" },
	{ name: 'title', key: 'title', displayName: 'Title', description: 'Title of the contact person, for example Mr or Ms' },
	{ name: 'firstName', key: 'first_name', displayName: 'First Name', description: 'First name of the contact person' },
	{ name: 'lastName', key: 'last_name', displayName: 'Last Name', description: 'Last name of the contact person' },
	{ name: 'contactPersonName', key: 'contact_person_name', displayName: 'Full Name', description: 'Full name of the contact person, if not split into first and last name' },
	{ name: 'countryCode', key: 'country_code', displayName: 'Country Code', description: 'Dialling code of the phone number, for example 91', placeholder: '91' },
	{ name: 'phone', key: 'contact_person_phone', displayName: 'Phone', description: 'Phone number of the contact person', limit: 'phone' },
	{ name: 'email', key: 'contact_person_email', displayName: 'Email', kind: 'email', description: 'Email address of the contact person' },
	{ name: 'additionalPhone', key: 'additional_contact_phone', displayName: 'Additional Phone', description: 'A second phone number of the contact person', limit: 'phone' },
	{ name: 'dob', key: 'dob', displayName: 'Date of Birth', kind: 'day', description: 'Birthday of the contact person' },
	{ name: 'gender', key: 'gender', displayName: 'Gender', description: 'Gender as Kapture records it, for example Male or Female' },
	{ name: 'updateExisting', key: 'update', displayName: 'Update Existing Contact', kind: 'boolean', description: 'Whether to overwrite the matching existing contact with these details' },
	{ name: 'matchEmailPhone', key: 'matchEmailPhone', displayName: 'Match by Email and Phone', kind: 'boolean', description: 'Whether Kapture should find the existing contact by both email and phone rather than either one' },
];

/** enquiry_info: the enquiry (deal) the order belongs to. */
export const ENQUIRY_FIELDS: FieldSpec[] = [
	{ name: 'enquiryId', key: 'enquiry_id', displayName: 'Enquiry ID', kind: 'id', description: "Kapture's numeric ID of an existing enquiry to attach the order to" },
	{ name: 'assignEmpName', key: 'assign_emp_name', displayName: 'Assignee Name', description: 'Name of the employee to assign the enquiry to' },
	{ name: 'assignEmpCode', key: 'assign_emp_code', displayName: 'Assignee Code', description: 'Employee code of the employee to assign the enquiry to' },
	{ name: 'assignEmpEmail', key: 'assign_emp_email', displayName: 'Assignee Email', kind: 'email', description: 'Email of the employee to assign the enquiry to' },
	{ name: 'roundRobinKey', key: 'round_robin_key', displayName: 'Round Robin Key', description: 'Key of the Kapture round-robin rule that picks the assignee' },
	{ name: 'nextFollowUpDate', key: 'next_follow_up_date', displayName: 'Next Follow-Up Date', kind: 'second', description: 'When to follow the enquiry up next' },
	{ name: 'action', key: 'action', displayName: 'Action', description: 'Enquiry action (status) as configured in Kapture' },
	{ name: 'subStatus', key: 'subStatus', displayName: 'Sub-Status', description: 'Enquiry sub-status as configured in Kapture' },
	{ name: 'remarks', key: 'remarks', displayName: 'Remarks', description: 'Remarks stored on the enquiry', limit: 'long' },
	{ name: 'additionalFields', key: 'additional_fields', displayName: 'Additional Fields', kind: 'keyValue', description: 'Custom enquiry fields of your Kapture account, by their Kapture name' },
	{ name: 'associateFields', key: 'associate_fields', displayName: 'Associate Fields', kind: 'keyValue', description: 'Associated enquiry fields of your Kapture account, by their Kapture name' },
	{ name: 'updateExisting', key: 'update', displayName: 'Update Existing Enquiry', kind: 'boolean', description: 'Whether to overwrite the matching existing enquiry with these details' },
];

/** order_info, apart from order_id and the update flag (set by the operation). */
export const ORDER_FIELDS: FieldSpec[] = [
	{ name: 'assignEmpName', key: 'assign_emp_name', displayName: 'Assignee Name', description: 'Name of the employee to assign the order to' },
	{ name: 'assignEmpCode', key: 'assign_emp_code', displayName: 'Assignee Code', description: 'Employee code of the employee to assign the order to' },
	{ name: 'assignEmpEmail', key: 'assign_emp_email', displayName: 'Assignee Email', kind: 'email', description: 'Email of the employee to assign the order to' },
	{ name: 'deliveryStatus', key: 'delivery_status', displayName: 'Delivery Status', description: 'Status code of the order in Kapture, for example AP', placeholder: 'AP' },
	{ name: 'erpOrderId', key: 'erp_order_id', displayName: 'ERP Order ID', description: "The order's ID in your ERP or shop" },
	{ name: 'erpInvoiceNo', key: 'erp_invoice_no', displayName: 'ERP Invoice Number', description: "The invoice number in your ERP" },
	{ name: 'createDate', key: 'create_date', displayName: 'Order Date', kind: 'second', description: 'When the order was placed' },
	{ name: 'remarks', key: 'remarks', displayName: 'Remarks', description: 'Notes stored on the order', limit: 'long' },
	{ name: 'invoiceNo', key: 'invoice_no', displayName: 'Invoice Number', description: 'Invoice number of the order' },
	{ name: 'invoiceDate', key: 'invoice_date', displayName: 'Invoice Date', kind: 'day', description: 'Date of the invoice' },
	{ name: 'unitName', key: 'unit_name', displayName: 'Unit Name', description: 'Unit the order is for, for example a flat or a product unit' },
	{ name: 'blockName', key: 'block_name', displayName: 'Block Name', description: 'Block the unit belongs to' },
	{ name: 'ticketId', key: 'ticket_id', displayName: 'Ticket ID', description: 'Kapture ticket linked to the order' },
	{ name: 'encryptOrder', key: 'encryptOrder', displayName: 'Encrypted Order Reference', description: 'Encrypted order reference, if your account uses one' },
	{ name: 'paymentMode', key: 'payment_mode', displayName: 'Payment Mode', description: 'How the order is paid, for example cash or cheque' },
	{ name: 'dealDetails', key: 'dealDetails', displayName: 'Deal Details', description: 'Free-text details of the deal', limit: 'long' },
	{ name: 'associateFields', key: 'associate_fields', displayName: 'Associate Fields', kind: 'keyValue', description: 'Associated order fields of your Kapture account, by their Kapture name' },
];

/**
 * The v1 add/update fields, written once for both operations. Update adds
 * the Order ID up front; everything else is identical.
 */
export function orderFieldsFor(operation: OrderForm): INodeProperties[] {
	const show = fieldsModeOnly('v1');
	return [
		...upFrontFields(operation === 'update' ? 'update' : 'add', 'v1', {
			orderIdPlaceholder: '23518265',
			customerNameRequired: true,
			customerNameDescription:
				operation !== 'update'
					? 'Name of the customer placing the order. An existing customer with the same phone or email is reused.'
					: 'Name of the customer the order belongs to (Kapture requires it on every update)',
		}),
		{
			displayName: 'Customer Fields',
			name: 'customerFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			description: 'More details of the customer (Kapture customer_info)',
			displayOptions: show,
			options: toSortedProperties(CUSTOMER_FIELDS),
		},
		{
			displayName: 'Contacts',
			name: 'contacts',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Contact',
			default: {},
			description: 'Contact persons of the customer (Kapture contact_info)',
			displayOptions: show,
			options: [{ displayName: 'Contact', name: 'contact', values: CONTACT_FIELDS.map(toProperty) }],
		},
		{
			displayName: 'Enquiry Fields',
			name: 'enquiryFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			description: 'Details of the enquiry the order belongs to (Kapture enquiry_info)',
			displayOptions: show,
			options: toSortedProperties(ENQUIRY_FIELDS),
		},
		{
			displayName: 'Order Fields',
			name: 'orderFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			description: orderFieldsDescription(operation, ' (Kapture order_info)'),
			displayOptions: show,
			options: toSortedProperties(fieldsOfForm(ORDER_FIELDS, operation)),
		},
	];
}
