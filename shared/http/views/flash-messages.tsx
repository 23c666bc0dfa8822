import type { FlashMessage } from '../../contract/http.ts';

/**
 * Flash messages left by the previous redirect. Errors are announced at once
 * (role=alert); other messages politely (role=status).
 *
 * @example
 *   <FlashMessages messages={req.flash} />
 */
export function FlashMessages({ messages }: { messages: readonly FlashMessage[] }) {
  if (messages.length === 0) return null;
  return (
    <div class="flash-area">
      {messages.map((m) => (
        <p class={`flash flash-${m.type}`} role={m.type === 'error' ? 'alert' : 'status'}>
          {m.message}
        </p>
      ))}
    </div>
  );
}
