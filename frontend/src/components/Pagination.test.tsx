import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Pagination } from './Pagination';

function setup(page: number, totalPages: number) {
  const onPage = vi.fn();
  const onSize = vi.fn();
  render(<Pagination label="Visits" page={page} totalPages={totalPages} totalItems={42} size={10} onPage={onPage} onSize={onSize} />);
  return { onPage, onSize };
}

describe('the pagination control', () => {
  it('says where we are and moves by one page', async () => {
    const { onPage } = setup(2, 5);
    expect(screen.getByText('Page 2 of 5 · 42 items')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /Next/ }));
    expect(onPage).toHaveBeenLastCalledWith(3);
    await userEvent.click(screen.getByRole('button', { name: /Previous/ }));
    expect(onPage).toHaveBeenLastCalledWith(1);
    await userEvent.click(screen.getByRole('button', { name: 'Last page' }));
    expect(onPage).toHaveBeenLastCalledWith(5);
  });

  it('cannot go before the first page or past the last', () => {
    setup(1, 1);
    expect(screen.getByRole('button', { name: /Previous/ })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'First page' })).toBeDisabled();
    expect(screen.getByRole('button', { name: /Next/ })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Last page' })).toBeDisabled();
  });

  it('offers the page sizes 5 to 25', async () => {
    const { onSize } = setup(1, 5);
    const select = screen.getByLabelText('Per page');
    expect([...select.querySelectorAll('option')].map((o) => o.textContent)).toEqual(['5', '10', '15', '20', '25']);
    await userEvent.selectOptions(select, '25');
    expect(onSize).toHaveBeenCalledWith(25);
  });
});
