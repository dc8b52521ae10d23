import { ref } from 'vue';
import { describeError } from '@reclaim/client';
import { useErrorText } from '../../components/use-error-text.js';

/**
 * Runs the one request of a public form: busy while it runs; on failure the
 * reason in the reader's language (`failure`, for an alert) and each field's
 * own problem (`onField`, under its input, with the input marked invalid).
 */
export function usePublicForm() {
  const { problemText, fieldProblems } = useErrorText();
  const busy = ref(false);
  const failure = ref<string | null>(null);
  const fields = ref<Record<string, string>>({});
  async function run<T>(work: () => Promise<T>): Promise<T | null> {
    if (busy.value) return null;
    busy.value = true;
    failure.value = null;
    fields.value = {};
    try {
      return await work();
    } catch (error) {
      const problem = describeError(error);
      fields.value = fieldProblems(problem);
      failure.value = problemText(problem);
      return null;
    } finally {
      busy.value = false;
    }
  }
  const onField = (name: string, hint?: string) => ({
    feedback: fields.value[name] ?? hint,
    validationStatus: fields.value[name] ? ('error' as const) : undefined,
  });
  return { busy, failure, fields, run, onField };
}
