// The event types delivered to subscriptions, and who may subscribe to which.

/** TMF622 events (TMF hub listeners). */
export const TMF_ORDER_EVENTS = ['ProductOrderCreateEvent', 'ProductOrderStateChangeEvent'] as const;
/** The end of a company's fleet job, delivered to the company's client subscriptions. */
export const FLEET_JOB_END_EVENT = 'FleetJobEndEvent';
/** A cancellation forwarded to the MVNO that sold the line, delivered to the MVNO's endpoint. */
export const PARTNER_FORWARD_EVENT = 'PartnerCancellationForwardedEvent';

export const EVENT_TYPES = [...TMF_ORDER_EVENTS, FLEET_JOB_END_EVENT, PARTNER_FORWARD_EVENT] as const;
export type EventType = (typeof EVENT_TYPES)[number];
