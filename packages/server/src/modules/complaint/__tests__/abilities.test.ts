import { describe, expect, it } from 'vitest';
import { Role } from '../../../auth/roles.js';
import { Stage } from '../complaint.enums.js';
import { abilitiesOn, assignScope, mayFollowUpSurvey, mayUpdate } from '../abilities.js';

const D1 = 'd1';
const D2 = 'd2';
const who = (roles: Role[], departmentIds: string[] = [D1]) => ({ userId: 'u1', roles, departmentIds });
const complaint = (stage: Stage, departmentId: string | null = D1, assigneeId: string | null = null) => ({
  stage,
  departmentId,
  assigneeId,
});

describe('what a staff member may do with a complaint (the services and Complaint.abilities share these rules)', () => {
  it('assigning: HEAD in their departments, OPERATOR while routing, SPECIALIST only themselves, nobody once it is closed', () => {
    expect(assignScope(who([Role.HEAD]), complaint(Stage.ANALYSIS))).toBe('ANYONE');
    expect(assignScope(who([Role.HEAD]), complaint(Stage.ANALYSIS, D2))).toBeNull();
    expect(assignScope(who([Role.HEAD]), complaint(Stage.RECEIVED, null))).toBe('ANYONE');
    expect(assignScope(who([Role.OPERATOR], []), complaint(Stage.REGISTERED, D2))).toBe('ANYONE');
    expect(assignScope(who([Role.OPERATOR], []), complaint(Stage.ANALYSIS, D2))).toBeNull();
    expect(assignScope(who([Role.SPECIALIST]), complaint(Stage.ANALYSIS))).toBe('SELF');
    expect(assignScope(who([Role.SPECIALIST]), complaint(Stage.ANALYSIS, D1, 'someone-else'))).toBeNull();
    expect(assignScope(who([Role.SPECIALIST]), complaint(Stage.ANALYSIS, null))).toBeNull();
    expect(assignScope(who([Role.QUALITY_MANAGER, Role.ADMIN]), complaint(Stage.ANALYSIS))).toBeNull();
    expect(assignScope(who([Role.HEAD]), complaint(Stage.CLOSED))).toBeNull();
  });

  it('changing priority and the rest: tenant-wide for OPERATOR and QUALITY_MANAGER, own departments for SPECIALIST and HEAD, never for ADMIN', () => {
    expect(mayUpdate(who([Role.OPERATOR], []), complaint(Stage.ANALYSIS, D2))).toBe(true);
    expect(mayUpdate(who([Role.QUALITY_MANAGER], []), complaint(Stage.ANALYSIS, D2))).toBe(true);
    expect(mayUpdate(who([Role.SPECIALIST]), complaint(Stage.ANALYSIS, D2))).toBe(false);
    expect(mayUpdate(who([Role.HEAD]), complaint(Stage.ANALYSIS, D1))).toBe(true);
    expect(mayUpdate(who([Role.ADMIN]), complaint(Stage.ANALYSIS))).toBe(false);
    expect(mayUpdate(who([Role.OPERATOR]), complaint(Stage.REJECTED))).toBe(false);
  });

  it('abilities put them together with the grants', () => {
    expect(abilitiesOn(who([Role.SPECIALIST]), complaint(Stage.ANALYSIS))).toEqual({
      assign: true,
      assignOnlySelf: true,
      update: true,
      reply: true,
      manageCorrectiveActions: true,
      followUpSurveys: false,
    });
    expect(abilitiesOn(who([Role.ADMIN]), complaint(Stage.ANALYSIS))).toEqual({
      assign: false,
      assignOnlySelf: false,
      update: false,
      reply: false,
      manageCorrectiveActions: false,
      followUpSurveys: false,
    });
  });

  it("the follow-up of a survey response: QUALITY_MANAGER on any complaint, HEAD on their departments', nobody else", () => {
    expect(mayFollowUpSurvey(who([Role.QUALITY_MANAGER], []), complaint(Stage.CLOSED, D2))).toBe(true);
    expect(mayFollowUpSurvey(who([Role.HEAD]), complaint(Stage.FEEDBACK, D1))).toBe(true);
    expect(mayFollowUpSurvey(who([Role.HEAD]), complaint(Stage.FEEDBACK, D2))).toBe(false);
    expect(mayFollowUpSurvey(who([Role.HEAD]), complaint(Stage.FEEDBACK, null))).toBe(false);
    for (const role of [Role.OPERATOR, Role.SPECIALIST, Role.ADMIN])
      expect(mayFollowUpSurvey(who([role]), complaint(Stage.FEEDBACK, D1))).toBe(false);
  });
});
