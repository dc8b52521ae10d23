import { Arg, Args, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Allow } from '../../auth/allow.js';
import { Action } from '../../auth/permissions.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { notFound } from '../../graphql/errors.js';
import { Complaint } from '../complaint/complaint.entity.js';
import { findComplaint } from '../complaint/complaint.queries.js';
import { User } from '../user/user.entity.js';
import { Survey, SurveyAnswer, SurveyQuestion, SurveyResponse, SurveyVersion } from './survey.entity.js';
import {
  CreateSurveyInput,
  SurveyIdArgs,
  EnterPhoneSurveyResponseInput,
  OpenSurveyFollowUpInput,
  PublishSurveyVersionInput,
  SaveSurveyScheduleInput,
} from './survey.inputs.js';
import { SurveySchedule } from './survey-schedule.entity.js';
import { listSchedules, saveSchedule } from './survey.schedules.js';
import { followUpOf, openSurveyFollowUp } from './survey.follow-up.js';
import { CorrectiveAction } from '../complaint/corrective-action.entity.js';
import {
  createSurvey,
  currentQuestionsOf,
  findSurvey,
  listSurveys,
  publishSurveyVersion,
  questionsOf,
  setAfterResolution,
  versionsOf,
} from './survey.service.js';
import { complaintSurveyResponses, enterPhoneResponse } from './survey.responses.js';

@Resolver(() => Survey)
export class SurveyResolver {
  @Allow(Action.MANAGE_SURVEYS)
  @Query(() => [Survey], { description: "The company's satisfaction surveys with their versions, newest first" })
  async surveys(@Ctx() gql: GraphQLContext): Promise<Survey[]> {
    return listSurveys(await gql.staff());
  }

  @Allow(Action.MANAGE_SURVEYS)
  @Query(() => Survey, { nullable: true, description: 'One survey of the company (null for an unknown id)' })
  async survey(@Args() { id }: SurveyIdArgs, @Ctx() gql: GraphQLContext): Promise<Survey | null> {
    return findSurvey(await gql.staff(), id);
  }

  @Allow(Action.MANAGE_SURVEYS)
  @Mutation(() => Survey, { description: 'A new survey, its questions published as version 1; inactive until activateSurvey' })
  async createSurvey(@Arg('input') input: CreateSurveyInput, @Ctx() gql: GraphQLContext): Promise<Survey> {
    return createSurvey(await gql.staff(), input);
  }

  @Allow(Action.MANAGE_SURVEYS)
  @Mutation(() => Survey, { description: "New questions as the survey's next version; answers given so far keep their version" })
  async publishSurveyVersion(@Arg('input') input: PublishSurveyVersionInput, @Ctx() gql: GraphQLContext): Promise<Survey> {
    return publishSurveyVersion(await gql.staff(), input);
  }

  @Allow(Action.MANAGE_SURVEYS)
  @Mutation(() => Survey, {
    description: 'Sends this survey when a complaint reaches FEEDBACK (instead of the single rating); any other stops being sent',
  })
  async activateSurvey(@Args() { id }: SurveyIdArgs, @Ctx() gql: GraphQLContext): Promise<Survey> {
    return setAfterResolution(await gql.staff(), id, true);
  }

  @Allow(Action.MANAGE_SURVEYS)
  @Mutation(() => Survey, { description: 'Stops sending this survey after resolution: the single rating is asked for again' })
  async deactivateSurvey(@Args() { id }: SurveyIdArgs, @Ctx() gql: GraphQLContext): Promise<Survey> {
    return setAfterResolution(await gql.staff(), id, false);
  }

  @Allow(Action.MANAGE_SURVEYS)
  @Query(() => [SurveySchedule], { description: "The company's survey schedules (one per survey at most)" })
  async surveySchedules(@Ctx() gql: GraphQLContext): Promise<SurveySchedule[]> {
    return listSchedules(await gql.staff());
  }

  @Allow(Action.MANAGE_SURVEYS)
  @Mutation(() => SurveySchedule, { description: "Creates or changes a survey's schedule; active: false pauses it" })
  async saveSurveySchedule(@Arg('input') input: SaveSurveyScheduleInput, @Ctx() gql: GraphQLContext): Promise<SurveySchedule> {
    return saveSchedule(await gql.staff(), input);
  }

  @Allow(Action.READ_COMPLAINTS)
  @Query(() => [SurveyResponse], { description: "A complaint's survey responses, newest first" })
  async complaintSurveyResponses(@Args() { id }: SurveyIdArgs, @Ctx() gql: GraphQLContext): Promise<SurveyResponse[]> {
    return complaintSurveyResponses(await gql.staff(), id);
  }

  // Those who speak with the customer about the complaint (ADD_MESSAGE) record what they were told by phone.
  @Allow(Action.ADD_MESSAGE)
  @Mutation(() => SurveyResponse, { description: 'Answers the customer gave by phone, recorded as PHONE with who entered them' })
  async enterPhoneSurveyResponse(@Arg('input') input: EnterPhoneSurveyResponseInput, @Ctx() gql: GraphQLContext): Promise<SurveyResponse> {
    return enterPhoneResponse(await gql.staff(), input);
  }

  // Those who handle escalations react to a detractor: QUALITY_MANAGER on any complaint, HEAD on their departments'.
  @Allow(Action.HANDLE_ESCALATIONS)
  @Mutation(() => CorrectiveAction, {
    description:
      'Opens the follow-up of a survey response (a CORRECTION on its complaint); once per response: again, it returns the same action',
  })
  async openSurveyFollowUp(@Arg('input') input: OpenSurveyFollowUpInput, @Ctx() gql: GraphQLContext): Promise<CorrectiveAction> {
    return openSurveyFollowUp(await gql.staff(), input);
  }

  @FieldResolver(() => [SurveyVersion], { description: 'Every published version, oldest first' })
  async versions(@Root() s: Survey, @Ctx() gql: GraphQLContext): Promise<SurveyVersion[]> {
    return versionsOf(await gql.staff(), s.id);
  }

  @FieldResolver(() => [SurveyQuestion], { description: "The current version's questions, in order" })
  async questions(@Root() s: Survey, @Ctx() gql: GraphQLContext): Promise<SurveyQuestion[]> {
    return currentQuestionsOf(await gql.staff(), s);
  }
}

@Resolver(() => SurveyVersion)
export class SurveyVersionResolver {
  @FieldResolver(() => [SurveyQuestion])
  async questions(@Root() v: SurveyVersion, @Ctx() gql: GraphQLContext): Promise<SurveyQuestion[]> {
    return questionsOf(await gql.staff(), v.id);
  }
}

@Resolver(() => SurveyResponse)
export class SurveyResponseResolver {
  @FieldResolver(() => [SurveyAnswer], { description: 'In question order' })
  async answers(@Root() r: SurveyResponse, @Ctx() gql: GraphQLContext): Promise<SurveyAnswer[]> {
    const ctx = await gql.staff();
    return ctx.query<SurveyAnswer>(
      `
      SELECT a.id, a.question_id AS "questionId", a.type, a.parameter, a.score, a.option_codes AS "optionCodes", a.text
        FROM survey_answers a JOIN survey_questions q ON q.id = a.question_id
       WHERE a.response_id = $1 ORDER BY q.position`,
      [r.id],
    );
  }

  @FieldResolver(() => Int, { description: 'The survey version answered' })
  async version(@Root() r: SurveyResponse, @Ctx() gql: GraphQLContext): Promise<number> {
    return (await (await gql.staff()).manager.findOneByOrFail(SurveyVersion, { id: r.versionId })).number;
  }

  @FieldResolver(() => Survey)
  async survey(@Root() r: SurveyResponse, @Ctx() gql: GraphQLContext): Promise<Survey> {
    return (await gql.staff()).manager.findOneByOrFail(Survey, { id: r.surveyId });
  }

  @FieldResolver(() => Complaint)
  async complaint(@Root() r: SurveyResponse, @Ctx() gql: GraphQLContext): Promise<Complaint> {
    const complaint = await findComplaint(await gql.staff(), { id: r.complaintId });
    if (!complaint) throw notFound('complaint');
    return complaint;
  }

  @FieldResolver(() => CorrectiveAction, { nullable: true, description: 'The follow-up opened on it (openSurveyFollowUp), if any' })
  async followUp(@Root() r: SurveyResponse, @Ctx() gql: GraphQLContext): Promise<CorrectiveAction | null> {
    return followUpOf(await gql.staff(), r.id);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who entered a PHONE response' })
  async enteredBy(@Root() r: SurveyResponse, @Ctx() gql: GraphQLContext) {
    return r.enteredByUserId ? (await gql.staff()).loaders.user.load(r.enteredByUserId) : null;
  }
}

@Resolver(() => SurveyAnswer)
export class SurveyAnswerResolver {
  @FieldResolver(() => SurveyQuestion, { description: 'The question answered, with its wording in both languages and its options' })
  async question(@Root() a: SurveyAnswer, @Ctx() gql: GraphQLContext): Promise<SurveyQuestion> {
    return (await gql.staff()).manager.findOneByOrFail(SurveyQuestion, { id: a.questionId });
  }
}
