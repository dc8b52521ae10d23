import { computed, ref, type Ref } from 'vue';

/**
 * The rows ticked on the current page of the list, for a bulk change; a new
 * page, filter or order starts with none (a change applies to what is seen).
 */
export function useSelection<R extends { id: string }>(rows: Ref<readonly R[]>) {
  const selected = ref(new Set<string>());
  const chosen = computed(() => rows.value.filter((r) => selected.value.has(r.id)));
  const allOnPage = computed(() => rows.value.length > 0 && chosen.value.length === rows.value.length);
  const someOnPage = computed(() => chosen.value.length > 0 && !allOnPage.value);
  function toggle(id: string, on: boolean) {
    const next = new Set(selected.value);
    if (on) next.add(id);
    else next.delete(id);
    selected.value = next;
  }
  function toggleAll(on: boolean) {
    selected.value = on ? new Set(rows.value.map((r) => r.id)) : new Set();
  }
  const clear = () => toggleAll(false);
  return { selected, chosen, allOnPage, someOnPage, toggle, toggleAll, clear };
}
