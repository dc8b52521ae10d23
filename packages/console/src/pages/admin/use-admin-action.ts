import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { useMessage } from 'naive-ui';
import { describeError } from '@reclaim/client';
import { useErrorText } from '../../components/use-error-text.js';

/** Reasons the console words itself (the server's detail is English). */
/** Runs an admin mutation: busy flag, "saved" on success, the server's reason on failure. */
export function useAdminAction() {
  const { t } = useI18n();
  const { problemText } = useErrorText();
  const toast = useMessage();
  const busy = ref(false);
  async function run(work: () => Promise<unknown>): Promise<boolean> {
    busy.value = true;
    try {
      await work();
      toast.success(t('common.saved'));
      return true;
    } catch (error) {
      toast.error(problemText(describeError(error)), { duration: 6000 });
      return false;
    } finally {
      busy.value = false;
    }
  }
  return { busy, run };
}
