import { onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue';
import type { OperationVariables, TypedDocumentNode, WatchQueryFetchPolicy } from '@apollo/client';
import { describeError, type RequestProblem } from '@reclaim/client';
import { useClient } from '../apollo.js';

export interface QueryState<T> {
  data: Ref<T | undefined>;
  loading: Ref<boolean>;
  error: Ref<RequestProblem | null>;
  refetch(): Promise<void>;
}

/**
 * A watched query: follows the cache (mutations and subscription results that
 * touch the same objects update it) and re-runs when `variables()` changes;
 * `null` variables pause it.
 */
export function useQuery<T, V extends OperationVariables>(
  query: TypedDocumentNode<T, V>,
  variables: () => V | null,
  fetchPolicy: WatchQueryFetchPolicy = 'cache-and-network',
): QueryState<T> {
  const { apollo } = useClient();
  const data = shallowRef<T | undefined>();
  const loading = ref(true);
  const error = ref<RequestProblem | null>(null);
  let stop: (() => void) | null = null;
  let current: ReturnType<typeof apollo.watchQuery<T, V>> | null = null;

  watch(
    () => JSON.stringify(variables()),
    () => {
      stop?.();
      const vars = variables();
      if (vars === null) {
        loading.value = false;
        return;
      }
      loading.value = true;
      const observable = apollo.watchQuery<T, V>({ query, variables: vars, fetchPolicy } as never);
      current = observable;
      const sub = observable.subscribe({
        next(result) {
          if (result.data !== undefined && result.dataState === 'complete') data.value = result.data as T;
          loading.value = result.loading;
          error.value = result.error ? describeError(result.error) : null;
        },
        error(e: unknown) {
          loading.value = false;
          error.value = describeError(e);
        },
      });
      stop = () => sub.unsubscribe();
    },
    { immediate: true },
  );
  onScopeDispose(() => stop?.());

  return {
    data,
    loading,
    error,
    async refetch() {
      if (current) await current.refetch().catch((e: unknown) => (error.value = describeError(e)));
    },
  };
}
