/** Catches an error thrown while drawing a page, so the rest of the console stays usable. */
import { Component, type ComponentChildren } from 'preact';
import { ErrorState } from './states.js';

interface State {
  error: Error | null;
}

export class RenderBoundary extends Component<{ children: ComponentChildren; resetKey: string }, State> {
  override state: State = { error: null };

  override componentDidCatch(error: unknown): void {
    this.setState({ error: error instanceof Error ? error : new Error(String(error)) });
  }

  override componentDidUpdate(previous: { resetKey: string }): void {
    // another page was opened: give it its chance
    if (previous.resetKey !== this.props.resetKey && this.state.error !== null) this.setState({ error: null });
  }

  override render() {
    if (this.state.error !== null) {
      return <ErrorState error={new Error(`this page failed to draw: ${this.state.error.message}`)} onRetry={() => this.setState({ error: null })} />;
    }
    return this.props.children;
  }
}
