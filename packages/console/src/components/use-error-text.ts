import { useI18n } from 'vue-i18n';
import { PASSWORD_RULE, errorText, fieldErrors, type Locale, type RequestProblem } from '@reclaim/client';

/**
 * The one way the console puts a failed request into words: the client's
 * texts (packages/client/src/error-text.ts) in the console's language, with
 * the fields named as the form names them (`form.*` labels).
 */
export function useErrorText() {
  const { t, te, locale } = useI18n();
  const lang = () => (locale.value === 'en' ? 'en' : 'ru') as Locale;
  /** A field's label: `form.<name>`, a reference by the thing it names (departmentId: `form.department`). */
  const labels = (p: RequestProblem) =>
    Object.fromEntries(
      p.fields.map((f) => {
        const name = f.field.split('.').pop()!;
        const key = [name, name.replace(/Ids?$/, '')].find((k) => te(`form.${k}`));
        return [f.field, key ? t(`form.${key}`) : name];
      }),
    );
  return {
    /** The whole problem as one sentence. */
    problemText: (p: RequestProblem) => errorText(p, lang(), labels(p)),
    /** Each field's own problem, for the feedback line under its input. */
    fieldProblems: (p: RequestProblem) => fieldErrors(p, lang()),
    /** The password rule, said as the refusal (WEAK_PASSWORD) says it, to show before saving. */
    passwordRule: () => PASSWORD_RULE[lang()],
  };
}
