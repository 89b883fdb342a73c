// When a part of the app cannot be shown, most often because its code could not be fetched
// (the network is gone, or a new release replaced the files this page was built with), this
// says so and offers a reload, instead of leaving the whole app blank.

import { Component, type ReactNode } from 'react';
import './LoadFailure.css';

interface Props {
  children: ReactNode;
  /** The address shown: when it changes, the part is tried again (another page may load). */
  resetKey: string;
}

interface State {
  failed: boolean;
}

export class LoadFailureBoundary extends Component<Props, State> {
  state: State = { failed: false };

  static getDerivedStateFromError(): State {
    return { failed: true };
  }

  componentDidUpdate(previous: Props) {
    if (this.state.failed && previous.resetKey !== this.props.resetKey) this.setState({ failed: false });
  }

  render() {
    return this.state.failed ? <LoadFailure /> : this.props.children;
  }
}

export function LoadFailure() {
  return (
    <section className="panel load-failure" role="alert" aria-labelledby="load-failure-title">
      <h1 id="load-failure-title">This page could not be loaded</h1>
      <p>You may be offline, or QHealth has just been updated. Reloading the page usually helps; nothing you saved is lost.</p>
      <button type="button" className="button" onClick={() => window.location.reload()}>
        Reload
      </button>
    </section>
  );
}
