import { onScopeDispose, shallowRef, type Ref } from 'vue';

/**
 * One clock for every countdown on the page: a single timer, ticking each
 * second while anything uses it, instead of a timer per card.
 */
const now = shallowRef(Date.now());
let users = 0;
let timer: ReturnType<typeof setInterval> | null = null;

export function useNow(): Readonly<Ref<number>> {
  users += 1;
  if (timer === null) {
    now.value = Date.now();
    timer = setInterval(() => (now.value = Date.now()), 1000);
  }
  onScopeDispose(() => {
    users -= 1;
    if (users === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  });
  return now;
}
