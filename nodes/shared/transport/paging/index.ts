// The one pager: lists read page by page, whatever the vendor's paging style.
export {
	PagingError,
	readPages,
	type FetchPage,
	type Page,
	type PagingFailure,
	type PagingOptions,
} from './pages';
export { compareInList, type ListOrder, type SortKey } from './listOrder';
export { locateBoundary, readUpward, type Boundary, type LocateOptions, type UpwardOptions, type UpwardPage } from './sortedList';
