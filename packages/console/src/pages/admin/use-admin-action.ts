import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { useMessage } from 'naive-ui';
import { describeError } from '@reclaim/client';

/** Reasons the console words itself (the server's detail is English). */
const REASONS_WITH_TEXT = new Set(['DUPLICATE', 'WEAK_PASSWORD', 'TARGET_TOO_SHORT', 'INVISIBLE_CHARACTERS']);

/** Runs an admin mutation: busy flag, "saved" on success, the server's reason on failure. */
export function useAdminAction() {
  const { t } = useI18n();
  const toast = useMessage();
  const busy = ref(false);
  async function run(work: () => Promise<unknown>): Promise<boolean> {
    busy.value = true;
    try {
      await work();
      toast.success(t('common.saved'));
      return true;
    } catch (error) {
      const p = describeError(error);
      const detail = p.fields.length ? p.fields.map((f) => `${f.field}: ${f.messages?.join(', ') ?? f.reason}`).join('; ') : p.message;
      const ownText = p.reason && REASONS_WITH_TEXT.has(p.reason);
      toast.error(ownText ? t(`errors.${p.reason}`) : t(`errors.${p.code}`, { message: detail }), { duration: 6000 });
      return false;
    } finally {
      busy.value = false;
    }
  }
  return { busy, run };
}
