export type SortOrder = 'asc' | 'desc'

export interface SortState<K extends string> {
  key: K
  order: SortOrder
}

/** The next sort after a click on `key`: the same column flips its order, a new one starts ascending. */
export function nextSort<K extends string>(current: SortState<K>, key: K): SortState<K> {
  if (current.key === key) return { key, order: current.order === 'asc' ? 'desc' : 'asc' }
  return { key, order: 'asc' }
}

/** A column header that sorts its table; aria-sort tells assistive technology the current order. */
export function SortHeader<K extends string>({
  label,
  column,
  sort,
  onSort,
}: {
  label: string
  column: K
  sort: SortState<K>
  onSort: (key: K) => void
}) {
  const active = sort.key === column
  const ariaSort = active ? (sort.order === 'asc' ? 'ascending' : 'descending') : 'none'
  return (
    <th scope="col" aria-sort={ariaSort}>
      <button type="button" className="sort" onClick={() => onSort(column)}>
        {label}
        <span aria-hidden="true" className="sort-mark">
          {active ? (sort.order === 'asc' ? ' ▲' : ' ▼') : ' ↕'}
        </span>
      </button>
    </th>
  )
}
