import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { useForm } from '../lib/useForm';
import { Dialog } from './Dialog';
import { TextField } from './Field';

function NoteForm() {
  const form = useForm({ note: '' }, () => ({}), 'note');
  return <TextField label="Note" field={form.field('note')} />;
}

function NoteDialog({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Write a note" onClose={onClose}>
      <NoteForm />
    </Dialog>
  );
}

/** A page that opens the dialog and closes it when the dialog says so. */
function Page() {
  const [open, setOpen] = useState(true);
  return open ? <NoteDialog onClose={() => setOpen(false)} /> : <p>closed</p>;
}

describe('a dialog', () => {
  it('closes at once on Escape when nothing was typed', async () => {
    const onClose = vi.fn();
    render(<NoteDialog onClose={onClose} />);
    await userEvent.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('asks before Escape throws typed text away, and keeps it when told to', async () => {
    render(<Page />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Note'), 'Pain in the left knee');
    await user.keyboard('{Escape}');

    expect(screen.getByRole('alertdialog', { name: 'Discard your changes?' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Keep editing' })).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Keep editing' }));
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(screen.getByLabelText('Note')).toHaveValue('Pain in the left knee');
    expect(screen.getByLabelText('Note')).toHaveFocus();

    // Escape while asked means "keep editing" too.
    await user.keyboard('{Escape}');
    await user.keyboard('{Escape}');
    expect(screen.getByLabelText('Note')).toHaveValue('Pain in the left knee');

    await user.click(screen.getByRole('button', { name: 'Close' }));
    await user.click(screen.getByRole('button', { name: 'Discard changes' }));
    expect(screen.getByText('closed')).toBeInTheDocument();
  });

  it('asks before a click outside throws typed text away', async () => {
    const onClose = vi.fn();
    const { container } = render(<NoteDialog onClose={onClose} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Note'), 'x');
    await user.pointer({ keys: '[MouseLeft]', target: container.querySelector('.dialog__backdrop')! });
    expect(screen.getByRole('alertdialog')).toBeInTheDocument();
    expect(onClose).not.toHaveBeenCalled();
  });

  it('closes at once again when the text is back to what it was', async () => {
    const onClose = vi.fn();
    render(<NoteDialog onClose={onClose} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Note'), 'x');
    await user.clear(screen.getByLabelText('Note'));
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
