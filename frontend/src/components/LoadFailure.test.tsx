import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { lazy, Suspense } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LoadFailureBoundary } from './LoadFailure';

// What a browser throws when a chunk of the app cannot be fetched.
const Unreachable = lazy(() => Promise.reject(new TypeError('Failed to fetch dynamically imported module: /assets/x.js')));

function Shown({ path }: { path: string }) {
  return (
    <LoadFailureBoundary resetKey={path}>
      <Suspense fallback={<p>loading</p>}>{path === '/broken' ? <Unreachable /> : <p>the page at {path}</p>}</Suspense>
    </LoadFailureBoundary>
  );
}

describe('a part of the app that cannot be loaded', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
  });

  it('says so and offers a reload, instead of a blank page', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined); // React reports the caught error
    const reload = vi.fn();
    vi.stubGlobal('location', { ...window.location, reload });
    const { rerender } = render(<Shown path="/broken" />);

    expect(await screen.findByRole('heading', { name: 'This page could not be loaded' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Reload' }));
    expect(reload).toHaveBeenCalledTimes(1);

    // Another address is tried afresh.
    rerender(<Shown path="/workspace/profile" />);
    expect(screen.getByText('the page at /workspace/profile')).toBeInTheDocument();
  });
});
