import type { UserInfo } from '../../../api/resources/servicecatalog/index.js';
import type { OriginatingIdentity } from '../../osb/index.js';

/** The OSB Originating-Identity of the user recorded in `spec.userInfo`, as the catalog has sent it. */
export function identityOf(userInfo: UserInfo | undefined): OriginatingIdentity | undefined {
  if (!userInfo?.username) return undefined;
  const id: OriginatingIdentity = { username: userInfo.username };
  if (userInfo.uid) id.uid = userInfo.uid;
  if (userInfo.groups?.length) id.groups = [...userInfo.groups];
  if (userInfo.extra && Object.keys(userInfo.extra).length) id.extra = { ...userInfo.extra };
  return id;
}
