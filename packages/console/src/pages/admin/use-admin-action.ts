import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { useMessage } from 'naive-ui';
import { describeError } from '@reclaim/client';
import { useErrorText } from '../../components/use-error-text.js';

/**
 * Runs an admin mutation: busy flag, "saved" on success, the server's reason
 * on failure; what it found wrong with a field is also in `fields` (by the
 * field's name, in the user's language), which `onField` puts under that
 * field's input.
 */
export function useAdminAction() {
  const { t } = useI18n();
  const { problemText, fieldProblems } = useErrorText();
  const toast = useMessage();
  const busy = ref(false);
  const fields = ref<Record<string, string>>({});
  async function run(work: () => Promise<unknown>): Promise<boolean> {
    busy.value = true;
    fields.value = {};
    try {
      await work();
      toast.success(t('common.saved'));
      return true;
    } catch (error) {
      const problem = describeError(error);
      fields.value = fieldProblems(problem);
      toast.error(problemText(problem), { duration: 6000 });
      return false;
    } finally {
      busy.value = false;
    }
  }
  /**
   * An NFormItem's feedback for the field `name` (`v-bind="onField('name')"`):
   * the server's word on it, else `hint` (a rule to show before saving).
   */
  const onField = (name: string, hint?: string) => ({
    feedback: fields.value[name] ?? hint,
    validationStatus: fields.value[name] ? ('error' as const) : undefined,
  });
  /** Forgets what the server said (a form opened afresh). */
  const clearFields = () => {
    fields.value = {};
  };
  return { busy, run, fields, onField, clearFields };
}
