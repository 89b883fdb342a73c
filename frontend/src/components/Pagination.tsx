import './Pagination.css';

export const PAGE_SIZES = [5, 10, 15, 20, 25] as const;

interface Props {
  page: number;
  totalPages: number;
  totalItems: number;
  size: number;
  onPage: (page: number) => void;
  onSize: (size: number) => void;
  /** Names the list, to tell several paginations apart. */
  label: string;
}

export function Pagination({ page, totalPages, totalItems, size, onPage, onSize, label }: Props) {
  const sizeId = `size-${label.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <nav className="pagination" aria-label={`${label}: pages`}>
      <p className="pagination__summary" aria-live="polite">
        Page {page} of {totalPages} · {totalItems} {totalItems === 1 ? 'item' : 'items'}
      </p>
      <div className="pagination__controls">
        <button type="button" className="button button--quiet" onClick={() => onPage(1)} disabled={page <= 1} aria-label="First page">
          «
        </button>
        <button type="button" className="button button--quiet" onClick={() => onPage(page - 1)} disabled={page <= 1}>
          ‹ Previous
        </button>
        <button type="button" className="button button--quiet" onClick={() => onPage(page + 1)} disabled={page >= totalPages}>
          Next ›
        </button>
        <button
          type="button"
          className="button button--quiet"
          onClick={() => onPage(totalPages)}
          disabled={page >= totalPages}
          aria-label="Last page"
        >
          »
        </button>
        <label className="pagination__size" htmlFor={sizeId}>
          Per page
          <select id={sizeId} value={size} onChange={(event) => onSize(Number(event.target.value))}>
            {PAGE_SIZES.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </label>
      </div>
    </nav>
  );
}
