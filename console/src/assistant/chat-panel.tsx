/**
 * The assistant's panel: the exchanges of this page (what was asked, what the model
 * answered), newest last, read out as they arrive. Each page supplies how to ask.
 */
import type { ComponentChildren } from 'preact';

export interface Exchange {
  id: number;
  question: string;
  /** Undefined while the model is answering. */
  answer?: ComponentChildren;
  error?: Error;
}

export function ChatPanel(props: { model: string | null; exchanges: readonly Exchange[]; children?: ComponentChildren; label?: string }) {
  return (
    <aside class="chat-panel" aria-label={props.label ?? 'Assistant'}>
      <h2>
        Assistant <span class="muted">{props.model ?? ''}</span>
      </h2>
      <ol class="chat-log" role="log" aria-live="polite">
        {props.exchanges.map((x) => (
          <li key={x.id}>
            <p class="chat-question">{x.question}</p>
            <div class="chat-answer">
              {x.error ? (
                <p class="state error" role="alert">
                  {'code' in x.error && typeof x.error.code === 'string' && <code class="code">{x.error.code}</code>} {x.error.message}
                </p>
              ) : x.answer === undefined ? (
                <p class="muted">Thinking…</p>
              ) : (
                x.answer
              )}
            </div>
          </li>
        ))}
      </ol>
      {props.children}
    </aside>
  );
}
