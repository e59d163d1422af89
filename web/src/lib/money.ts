import type { PlanView } from './api';

/// "€29.00 once", "$12.00 a year": a plan's price in the person's own number format.
export function price(plan: PlanView): string {
  if (plan.amount === null || plan.amount === undefined) return 'price shown at payment';
  const currency = plan.currency.toUpperCase();
  const digits = new Intl.NumberFormat(undefined, { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits ?? 2;
  const amount = new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(
    plan.amount / 10 ** digits,
  );
  if (!plan.interval) return `${amount} once`;
  const count = plan.interval_count ?? 1;
  return count === 1 ? `${amount} a ${plan.interval}` : `${amount} every ${count} ${plan.interval}s`;
}

export const PLAN_NAMES: Record<string, string> = {
  one_time: 'One payment',
  yearly: 'Yearly',
};
