// A paginated list from the API with its filters, ordering, loading, empty and error states,
// refreshed when a live update arrives for its stream. Tables turn into cards on a phone.

import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import type { ListLoader } from '../api/resources';
import type { Page } from '../api/types';
import { useSession } from '../auth/session';
import type { Stream } from '../live/live';
import { Notice } from './Notice';
import { Pagination } from './Pagination';
import { Spinner } from './Spinner';
import './ResourceList.css';

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
}

export interface FilterDef {
  name: string;
  label: string;
  type?: 'text' | 'number' | 'date' | 'select';
  options?: { value: string; label: string }[];
  /** What a select's empty choice says (default "Any"). */
  anyLabel?: string;
}

interface Props<T extends { id: number }> {
  label: string;
  load: ListLoader<T>;
  columns: Column<T>[];
  filters?: FilterDef[];
  orders?: { value: string; label: string }[];
  stream?: Stream;
  rowActions?: (row: T) => ReactNode;
  emptyText: string;
  /** Changing it reloads the list (after something was added or changed here). */
  reloadKey?: number;
  initialSize?: number;
  /** The filters (and order) the list starts with, and goes back to when cleared. */
  defaults?: Record<string, string>;
}

const NO_DEFAULTS: Record<string, string> = {};

function sameFilters(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => (a[key] ?? '') === (b[key] ?? ''));
}

const LIVE_RELOAD_DELAY_MS = 250;

export function ResourceList<T extends { id: number }>(props: Props<T>) {
  const { label, load, columns, filters = [], orders, stream, rowActions, emptyText, reloadKey = 0, defaults = NO_DEFAULTS } = props;
  const { live } = useSession();
  const [page, setPage] = useState(1);
  const [size, setSize] = useState(props.initialSize ?? 10);
  const [draft, setDraft] = useState<Record<string, string>>(defaults);
  const [applied, setApplied] = useState<Record<string, string>>(defaults);
  const [result, setResult] = useState<Page<T> | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [liveTick, setLiveTick] = useState(0);
  const latest = useRef(0);

  const fetchPage = useCallback(async () => {
    const call = ++latest.current;
    setLoading(true);
    try {
      const answer = await load({ ...applied, page, size });
      if (call !== latest.current) return;
      setResult(answer);
      setError(null);
    } catch (caught) {
      if (call !== latest.current) return;
      // The page emptied under us (rows deleted): step back instead of showing an error.
      if (caught instanceof ApiError && caught.status === 404 && page > 1) {
        setPage((current) => Math.max(1, current - 1));
        return;
      }
      setError(caught instanceof ApiError ? caught.detail : 'The list could not be loaded.');
    } finally {
      if (call === latest.current) setLoading(false);
    }
  }, [load, applied, page, size]);

  useEffect(() => {
    void fetchPage();
  }, [fetchPage, reloadKey, liveTick]);

  // A push on this list's stream: reload the page shown (a burst of pushes reloads once).
  useEffect(() => {
    if (!live || !stream) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = live.on(stream, () => {
      clearTimeout(timer);
      timer = setTimeout(() => setLiveTick((tick) => tick + 1), LIVE_RELOAD_DELAY_MS);
    });
    return () => {
      clearTimeout(timer);
      stop();
    };
  }, [live, stream]);

  const applyFilters = (event: FormEvent) => {
    event.preventDefault();
    setApplied(Object.fromEntries(Object.entries(draft).filter(([, value]) => value.trim() !== '')));
    setPage(1);
  };

  const clearFilters = () => {
    setDraft(defaults);
    setApplied(defaults);
    setPage(1);
  };

  const idBase = label.replace(/\W+/g, '-').toLowerCase();
  const filtering = !sameFilters(applied, defaults);
  const rows = result?.data ?? [];

  return (
    <section className="resource-list" aria-label={label} aria-busy={loading}>
      {filters.length || orders ? (
        <form className="resource-list__filters" onSubmit={applyFilters} aria-label={`${label}: filters`}>
          {filters.map((filter) => (
            <div className="resource-list__filter" key={filter.name}>
              <label htmlFor={`${idBase}-${filter.name}`}>{filter.label}</label>
              {filter.type === 'select' ? (
                <select
                  id={`${idBase}-${filter.name}`}
                  value={draft[filter.name] ?? ''}
                  onChange={(event) => setDraft({ ...draft, [filter.name]: event.target.value })}
                >
                  <option value="">{filter.anyLabel ?? 'Any'}</option>
                  {filter.options?.map((option) => (
                    <option key={option.value} value={option.value}>
                      {option.label}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  id={`${idBase}-${filter.name}`}
                  type={filter.type === 'number' ? 'number' : filter.type === 'date' ? 'date' : 'search'}
                  min={filter.type === 'number' ? 0 : undefined}
                  value={draft[filter.name] ?? ''}
                  onChange={(event) => setDraft({ ...draft, [filter.name]: event.target.value })}
                />
              )}
            </div>
          ))}
          {orders ? (
            <div className="resource-list__filter">
              <label htmlFor={`${idBase}-order`}>Order</label>
              <select
                id={`${idBase}-order`}
                value={draft.order ?? ''}
                onChange={(event) => setDraft({ ...draft, order: event.target.value })}
              >
                {orders.map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <div className="resource-list__filter-buttons">
            <button type="submit" className="button">
              Apply
            </button>
            <button type="button" className="button button--quiet" onClick={clearFilters}>
              Clear
            </button>
          </div>
        </form>
      ) : null}

      {error ? (
        <Notice kind="error">
          <p>{error}</p>
          <button type="button" className="button button--quiet" onClick={() => void fetchPage()}>
            Try again
          </button>
        </Notice>
      ) : null}

      {loading && !result ? <Spinner label={`Loading ${label.toLowerCase()}`} /> : null}

      {result && rows.length === 0 && !error ? (
        <p className="resource-list__empty">{filtering ? 'Nothing matches these filters.' : emptyText}</p>
      ) : null}

      {rows.length > 0 ? (
        <div className={`resource-list__table-wrap${loading ? ' resource-list--refreshing' : ''}`}>
          <table className="resource-list__table">
            <thead>
              <tr>
                {columns.map((column) => (
                  <th key={column.header} scope="col">
                    {column.header}
                  </th>
                ))}
                {rowActions ? (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  {columns.map((column) => (
                    <td key={column.header} data-label={column.header}>
                      {column.cell(row)}
                    </td>
                  ))}
                  {rowActions ? <td className="resource-list__actions">{rowActions(row)}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {result ? (
        <Pagination
          label={label}
          page={page}
          totalPages={result.total_pages}
          totalItems={result.total_items}
          size={size}
          onPage={setPage}
          onSize={(next) => {
            setSize(next);
            setPage(1);
          }}
        />
      ) : null}
    </section>
  );
}
