import { registerEnumType } from 'type-graphql';

export enum Role {
  OPERATOR = 'OPERATOR',
  SPECIALIST = 'SPECIALIST',
  QUALITY_MANAGER = 'QUALITY_MANAGER',
  HEAD = 'HEAD',
  ADMIN = 'ADMIN',
}
registerEnumType(Role, { name: 'Role' });
