import { inject, ref, type InjectionKey, type Ref } from 'vue';
import { createReclaimClient, uploadFile, type ReclaimClient, type UploadedFile } from '@reclaim/client';
import {
  AnswerComplaintSurveyDocument,
  AnswerSurveyDocument,
  ComplaintStatusChangedDocument,
  ComplaintStatusDocument,
  ComplaintSurveyDocument,
  PortalTenantDocument,
  RateComplaintDocument,
  ReplyToComplaintDocument,
  SubmitComplaintDocument,
  SurveyInvitationDocument,
  type PortalComplaintViewFragment,
  type PortalMessageViewFragment,
  type PortalSurveyViewFragment,
  type PortalTenantViewFragment,
  type SubmitComplaintInput,
  type SurveyAnswerInput,
} from '@reclaim/client/portal';

export type PortalComplaint = PortalComplaintViewFragment;
export type PortalMessage = PortalMessageViewFragment;
export type PortalTenant = PortalTenantViewFragment;
export type PortalSurvey = PortalSurveyViewFragment;
export type SurveyAnswer = SurveyAnswerInput;

/** A one-time survey link: the company's slug and the token from the mail. */
export interface SurveyKey {
  slug: string;
  token: string;
}

/** Sends a customer's file to the company's upload route. */
export type UploadFn = (slug: string, file: File, onProgress: (fraction: number) => void) => Promise<UploadedFile>;

/** A complaint is reached by its number and access token together, never by the number alone. */
export interface ComplaintKey {
  number: string;
  accessToken: string;
}

/** Everything the portal asks of the server; components get it injected, tests give a fake. */
export interface PortalApi {
  /** True while the subscription socket is up. */
  live: Ref<boolean>;
  tenant(slug: string): Promise<PortalTenant | null>;
  submit(slug: string, input: SubmitComplaintInput): Promise<ComplaintKey>;
  /** Null for a wrong pair. */
  status(key: ComplaintKey): Promise<PortalComplaint | null>;
  /** Subscribes to the complaint, then runs `onReady` once the socket is up and after every reconnect; returns the unsubscriber. */
  watch(key: ComplaintKey, onChange: (complaint: PortalComplaint) => void, onReady: () => void): () => void;
  reply(key: ComplaintKey, body: string, attachmentIds: string[]): Promise<PortalMessage>;
  rate(key: ComplaintKey, score: number, comment: string | null): Promise<PortalComplaint>;
  upload: UploadFn;
  /** The survey behind a one-time link; throws the server's typed refusal for a wrong, answered or expired one. */
  survey(key: SurveyKey, locale: string): Promise<PortalSurvey>;
  answerSurvey(key: SurveyKey, answers: SurveyAnswer[]): Promise<void>;
  /** The survey on the complaint's page while it awaits feedback; null where the company asks for the single rating. */
  complaintSurvey(key: ComplaintKey, locale: string): Promise<PortalSurvey | null>;
  answerComplaintSurvey(key: ComplaintKey, answers: SurveyAnswer[]): Promise<void>;
}

export const ApiKey: InjectionKey<PortalApi> = Symbol('portal-api');

export function createPortalApi(clientFactory: typeof createReclaimClient = createReclaimClient): PortalApi {
  const live = ref(false);
  const client: ReclaimClient = clientFactory({ httpUrl: '/portal/graphql', onSocketChange: (up) => (live.value = up) });
  const { apollo, socket } = client;
  return {
    live,
    async tenant(slug) {
      const { data } = await apollo.query({ query: PortalTenantDocument, variables: { slug }, fetchPolicy: 'cache-first' });
      return data?.portalTenant ?? null;
    },
    async submit(slug, input) {
      const { data } = await apollo.mutate({ mutation: SubmitComplaintDocument, variables: { tenantSlug: slug, input } });
      return { number: data!.submitComplaint.number, accessToken: data!.submitComplaint.accessToken };
    },
    async status(key) {
      const { data } = await apollo.query({ query: ComplaintStatusDocument, variables: key, fetchPolicy: 'network-only' });
      return data?.complaintStatus ?? null;
    },
    watch(key, onChange, onReady) {
      const subscription = apollo.subscribe({ query: ComplaintStatusChangedDocument, variables: key }).subscribe({
        next: (result) => {
          if (result.data) onChange(result.data.complaintStatusChanged);
        },
        // A wrong pair is refused here too; the fetch tells the page so.
        error: () => undefined,
      });
      const off = socket.onReady(onReady);
      return () => {
        subscription.unsubscribe();
        off();
      };
    },
    async reply(key, body, attachmentIds) {
      const { data } = await apollo.mutate({
        mutation: ReplyToComplaintDocument,
        variables: { ...key, body, ...(attachmentIds.length > 0 && { attachmentIds }) },
      });
      return data!.replyToComplaint;
    },
    async rate(key, score, comment) {
      const { data } = await apollo.mutate({ mutation: RateComplaintDocument, variables: { ...key, score, comment } });
      return data!.rateComplaint;
    },
    async survey(key, locale) {
      const { data } = await apollo.query({ query: SurveyInvitationDocument, variables: { ...key, locale }, fetchPolicy: 'network-only' });
      return data!.surveyInvitation;
    },
    async answerSurvey(key, answers) {
      await apollo.mutate({ mutation: AnswerSurveyDocument, variables: { ...key, answers } });
    },
    async complaintSurvey(key, locale) {
      const { data } = await apollo.query({ query: ComplaintSurveyDocument, variables: { ...key, locale }, fetchPolicy: 'network-only' });
      return data?.complaintSurvey ?? null;
    },
    async answerComplaintSurvey(key, answers) {
      await apollo.mutate({ mutation: AnswerComplaintSurveyDocument, variables: { ...key, answers } });
    },
    upload: (slug, file, onProgress) => uploadFile({ url: `/portal/uploads?tenant=${encodeURIComponent(slug)}`, file, onProgress }),
  };
}

export function useApi(): PortalApi {
  const api = inject(ApiKey);
  if (!api) throw new Error('the portal API is not provided');
  return api;
}
