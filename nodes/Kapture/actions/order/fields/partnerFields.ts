import type { INodeProperties } from 'n8n-workflow';

import { fieldsModeOnly, upFrontFields } from './common';
import { toProperty, toSortedProperties, type FieldSpec } from './fieldSpec';
import { fieldsOfForm, orderFieldsDescription, type OrderForm } from './v1Fields';

/** The flat order of the partner push/update API, apart from name, phone, email and order_id. */
export const PARTNER_ORDER_FIELDS: FieldSpec[] = [
	{ name: 'address', key: 'address', displayName: 'Address', description: "Customer's billing address", limit: 'address' },
	{ name: 'assignEmailId', key: 'assign_email_id', displayName: 'Assignee Email', kind: 'email', description: 'Email of the Kapture employee to assign the order to' },
	{ name: 'createDate', key: 'create_date', displayName: 'Order Date', kind: 'minute', description: 'When the order was placed' },
	{ name: 'customerId', key: 'customer_id', displayName: 'Customer ID', kind: 'id', description: "Kapture's numeric ID of an existing customer to attach the order to" },
	{ name: 'dateOfBirth', key: 'date_of_birth', displayName: 'Date of Birth', kind: 'day', description: "Customer's birthday" },
	{ name: 'enquiryId', key: 'enquiry_id', displayName: 'Enquiry ID', kind: 'id', description: "Kapture's numeric ID of the enquiry the order belongs to" },
	{ name: 'erpOrderId', key: 'erp_order_id', displayName: 'ERP Order ID', description: "The order's ID in your ERP or shop" },
	{ name: 'expectedDeliveryDate', key: 'expected_delivery_date', displayName: 'Expected Delivery Date', kind: 'day', description: 'When the order should be delivered' },
	{ name: 'grandTotal', key: 'grand_total', displayName: 'Grand Total', kind: 'number', description: 'Total value of the order' },
	{ name: 'orderStatus', key: 'order_status', displayName: 'Order Status', description: 'Status of the order as configured in Kapture' },
	{ name: 'orderType', key: 'order_type', displayName: 'Order Type', description: 'Type of the order as configured in Kapture' },
	{ name: 'paymentMode', key: 'payment_mode', displayName: 'Payment Mode', description: 'How the order is paid, for example cash', placeholder: 'cash' },
	{ name: 'shippingAddress', key: 'shipping_address', displayName: 'Shipping Address', description: 'Where the order is delivered', limit: 'address' },
	{ name: 'totalPaid', key: 'total_paid', displayName: 'Total Paid', kind: 'number', description: 'Amount already paid' },
	{ name: 'transaction', key: 'transaction', displayName: 'Transaction', description: 'Payment transaction reference' },
	{ name: 'zipCode', key: 'zip_code', displayName: 'ZIP Code', description: 'Postal code of the address' },
];

/** One product line (`product_details`). */
export const PRODUCT_FIELDS: FieldSpec[] = [
	{ name: 'productName', key: 'product_name', displayName: 'Product Name', description: 'Name of the product as it is in Kapture' },
	{ name: 'skuId', key: 'sku_id', displayName: 'SKU', description: 'Stock keeping unit (SKU) of the product' },
	{ name: 'parentProductName', key: 'parent_product_name', displayName: 'Parent Product Name', description: 'Product group or parent product, if any' },
	{ name: 'productDetails', key: 'product_details', displayName: 'Product Description', description: 'Free-text description of the product line', limit: 'long' },
	{ name: 'productType', key: 'product_type', displayName: 'Product Type', description: 'Type of product as configured in Kapture' },
	{ name: 'rate', key: 'rate', displayName: 'Rate', kind: 'number', default: 0, description: 'Price of one unit' },
	{ name: 'quantity', key: 'quantity', displayName: 'Quantity', kind: 'number', default: 1, description: 'Number of units' },
	{ name: 'discount', key: 'discount', displayName: 'Discount', kind: 'number', default: 0, description: 'Discount on the line' },
];

/** The partner add/update fields, written once for both operations. */
export function partnerOrderFieldsFor(operation: OrderForm): INodeProperties[] {
	const show = fieldsModeOnly('partner');
	return [
		...upFrontFields(operation === 'update' ? 'update' : 'add', 'partner', {
			orderIdPlaceholder: '4141343',
			customerNameRequired: false,
			...(operation === 'add'
				? {
						customerNameDescription: 'Name of the customer placing the order',
						customerNameHint: 'Required unless Order Fields > Customer ID is given',
					}
				: { customerNameDescription: 'Name of the customer; sent only when filled' }),
		}),
		{
			displayName: 'Order Fields',
			name: 'partnerFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			description: orderFieldsDescription(operation, ''),
			displayOptions: show,
			options: toSortedProperties(fieldsOfForm(PARTNER_ORDER_FIELDS, operation)),
		},
		{
			displayName: 'Products',
			name: 'products',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Product',
			default: {},
			description: 'Product lines of the order (Kapture product_details)',
			displayOptions: show,
			options: [{ displayName: 'Product', name: 'product', values: PRODUCT_FIELDS.map(toProperty) }],
		},
	];
}
