/** The terms both sides of a deal must agree on, in one comparable string. */
export function dealTerms(orderId: string, transactionHashText: string, totalMinor: number): string {
  return `${orderId}|${transactionHashText}|${totalMinor}`;
}
