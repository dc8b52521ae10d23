import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { Allow } from '../../auth/allow.js';
import { Action } from '../../auth/permissions.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { Shared } from '../../graphql/shared-results.js';
import {
  AnalysisFilterInput,
  CauseEffectBranch,
  FunnelStage,
  LegalComplianceRow,
  Pareto,
  ParetoDimension,
  ParetoMeasure,
  RepeatKey,
  Repeats,
  SatisfactionPoint,
  SlaComplianceRow,
  StageDurationRow,
  SurveyBreakdown,
  SurveyResponseRow,
  SurveyScoreRow,
} from './analysis.types.js';
import * as analysis from './analysis.service.js';
import * as surveys from './survey-figures.js';

/**
 * Effectiveness analysis (docs/api.md#analysis): QUALITY_MANAGER the whole
 * company, HEAD their departments. Answers are shared for a moment between
 * callers who see the same (`@Shared`).
 */
@Resolver()
export class AnalysisResolver {
  @Allow(Action.VIEW_ANALYSIS)
  @Shared()
  @Query(() => [FunnelStage], { description: 'Complaints received in the period: entered per stage, rejected from each stage by reason' })
  async funnel(@Arg('filter') filter: AnalysisFilterInput, @Ctx() gql: GraphQLContext): Promise<FunnelStage[]> {
    return analysis.funnel(await gql.staff(), filter);
  }

  @Allow(Action.VIEW_ANALYSIS)
  @Shared()
  @Query(() => Pareto, {
    description: 'Complaints received in the period by cause, group, category, product, department or rejection reason',
  })
  async pareto(
    @Arg('filter') filter: AnalysisFilterInput,
    @Arg('by', () => ParetoDimension) by: ParetoDimension,
    @Arg('measure', () => ParetoMeasure, { defaultValue: ParetoMeasure.COUNT }) measure: ParetoMeasure,
    @Ctx() gql: GraphQLContext,
  ): Promise<Pareto> {
    return analysis.pareto(await gql.staff(), filter, by, measure);
  }

  @Allow(Action.VIEW_ANALYSIS)
  @Shared()
  @Query(() => [CauseEffectBranch], {
    description: 'The six cause-and-effect groups with their causes, counted over complaints received in the period',
  })
  async causeEffect(@Arg('filter') filter: AnalysisFilterInput, @Ctx() gql: GraphQLContext): Promise<CauseEffectBranch[]> {
    return analysis.causeEffect(await gql.staff(), filter);
  }

  @Allow(Action.VIEW_ANALYSIS)
  @Shared()
  @Query(() => [SlaComplianceRow], {
    description: 'Operational SLA clocks that stopped in the period: met and missed, by clock and department',
  })
  async slaCompliance(@Arg('filter') filter: AnalysisFilterInput, @Ctx() gql: GraphQLContext): Promise<SlaComplianceRow[]> {
    return analysis.slaCompliance(await gql.staff(), filter);
  }

  @Allow(Action.VIEW_ANALYSIS)
  @Shared()
  @Query(() => [StageDurationRow], {
    description: 'Time in stage (median, 90th percentile; working and calendar) of stays that ended in the period',
  })
  async stageDurations(@Arg('filter') filter: AnalysisFilterInput, @Ctx() gql: GraphQLContext): Promise<StageDurationRow[]> {
    return analysis.stageDurations(await gql.staff(), filter);
  }

  @Allow(Action.VIEW_ANALYSIS)
  @Shared()
  @Query(() => [SatisfactionPoint], { description: 'Complaints closed in the period: average rating, share of 4-5, response rate' })
  async satisfactionTrend(@Arg('filter') filter: AnalysisFilterInput, @Ctx() gql: GraphQLContext): Promise<SatisfactionPoint[]> {
    return analysis.satisfactionTrend(await gql.staff(), filter);
  }

  @Allow(Action.VIEW_ANALYSIS)
  @Shared()
  @Query(() => [LegalComplianceRow], { description: 'Legal deadlines of complaints closed in the period: met, late, penalty accrued' })
  async legalCompliance(@Arg('filter') filter: AnalysisFilterInput, @Ctx() gql: GraphQLContext): Promise<LegalComplianceRow[]> {
    return analysis.legalCompliance(await gql.staff(), filter);
  }

  @Allow(Action.VIEW_ANALYSIS)
  @Shared()
  @Query(() => Repeats, { description: 'Complaints of the period that repeat an earlier one of the same customer, product or cause' })
  async repeats(
    @Arg('filter') filter: AnalysisFilterInput,
    @Arg('by', () => RepeatKey) by: RepeatKey,
    @Arg('withinDays', () => Int, { defaultValue: 90, description: '1 to 730' }) withinDays: number,
    @Ctx() gql: GraphQLContext,
  ): Promise<Repeats> {
    return analysis.repeats(await gql.staff(), filter, by, withinDays);
  }

  @Allow(Action.VIEW_ANALYSIS)
  @Shared()
  @Query(() => [SurveyResponseRow], {
    description: 'Survey invitations written in the period, answered, response rate (docs/surveys.md#figures)',
  })
  async surveyResponseRates(
    @Arg('filter') filter: AnalysisFilterInput,
    @Arg('by', () => SurveyBreakdown, { defaultValue: SurveyBreakdown.COMPANY }) by: SurveyBreakdown,
    @Ctx() gql: GraphQLContext,
  ): Promise<SurveyResponseRow[]> {
    return surveys.surveyResponseRates(await gql.staff(), filter, by);
  }

  @Allow(Action.VIEW_ANALYSIS)
  @Shared()
  @Query(() => [SurveyScoreRow], {
    description: 'Survey scores (CSAT, NPS, CES) of responses received in the period, by parameter across versions',
  })
  async surveyScores(
    @Arg('filter') filter: AnalysisFilterInput,
    @Arg('by', () => SurveyBreakdown, { defaultValue: SurveyBreakdown.COMPANY }) by: SurveyBreakdown,
    @Ctx() gql: GraphQLContext,
  ): Promise<SurveyScoreRow[]> {
    return surveys.surveyScores(await gql.staff(), filter, by);
  }
}
