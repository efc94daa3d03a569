// A React page showing a reused queue with @xstate/react's useSelector, rendered in jsdom.
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><div id="root"></div>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.navigator ??= dom.window.navigator;
globalThis.IS_REACT_ACT_ENVIRONMENT = true;

const { createElement, act } = await import('react');
const { createRoot } = await import('react-dom/client');
const { useSelector } = await import('@xstate/react');
const { createActor, fromCallback } = await import('xstate');
const { queueMachine } = await import('active-active-tps/machines');

const queue = createActor(queueMachine, { input: { id: 'orders', region: 1 } }).start();
const client = createActor(fromCallback(() => {})).start();
let renders = 0;
function QueueCount({ actor }) {
  renders++;
  const sent = useSelector(actor, (s) => s.context.sentCount);
  return createElement('p', { id: 'count' }, `sent ${sent}`);
}

const root = createRoot(document.getElementById('root'));
await act(async () => root.render(createElement(QueueCount, { actor: queue })));
const shown = [document.getElementById('count').textContent];
const rendersAfter = [renders];
for (const recordId of [1, 2, 3]) {
  await act(async () => queue.send({ type: 'queue.send', record: { recordId, recordValue: 1 }, replyTo: client }));
  shown.push(document.getElementById('count').textContent);
  rendersAfter.push(renders);
}
console.log(JSON.stringify({ shown, rendersAfter }));
assert.deepEqual(shown, ['sent 0', 'sent 1', 'sent 2', 'sent 3']);
assert.ok(rendersAfter.every((n, i) => i === 0 || n > rendersAfter[i - 1]), 're-rendered after each send');
await act(async () => root.unmount());
