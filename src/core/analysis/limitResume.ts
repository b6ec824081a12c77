/** Where a growing flow's limited-by split goes on from (passCache.ts). */
export class LimitResume {}
