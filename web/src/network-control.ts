/**
 * The network panel's side of the store: the conditioner's state, its
 * profiles, and the last refused change, with the calls that change them
 * (`PUT /api/network`, `POST /api/network/faults`, `GET /api/network`).
 * When new settings shape traffic differently, `onShapeChange` runs, so the
 * store can start the measured round trip afresh.
 */

import type { FaultRequest, NetworkProfileInfo, NetworkState } from '../../protocol/network-state.ts';
import { type ControlError, plainControlError } from './control-error.ts';
import type { LabApi, NetworkRequest } from './lab-api.ts';
import { shapeChanged } from './network-caption.ts';

export interface NetworkControlOptions {
  /** Called after a change, a fault or a dismissed error: the page should show it at once. */
  changed: () => void;
  /** Called when new settings shape traffic differently from the ones before (not on the first state). */
  onShapeChange: () => void;
}

export class NetworkControl {
  private current: NetworkState | null = null;
  private profileList: NetworkProfileInfo[] = [];
  private refusal: ControlError | null = null;

  constructor(
    private readonly api: LabApi,
    private readonly options: NetworkControlOptions,
  ) {}

  /** The conditioner's state as last answered; null before the first answer (or on a lab without one). */
  get state(): NetworkState | null {
    return this.current;
  }

  /** `GET /api/network/profiles` as last answered; empty before it (or on a lab without a conditioner API). */
  get profiles(): NetworkProfileInfo[] {
    return this.profileList;
  }

  /** The last refused change or fault, in plain words; null once one succeeds or it is dismissed. */
  get error(): ControlError | null {
    return this.refusal;
  }

  /** Reads the profiles once; a lab without a conditioner API keeps the list empty (the panel says so). */
  async loadProfiles(): Promise<void> {
    try {
      this.profileList = await this.api.networkProfiles();
    } catch {
      // no profiles: the panel explains a lab without a conditioner
    }
  }

  /** `GET /api/network`; throws when the lab has no conditioner API (the route choice needs to know). */
  async read(): Promise<NetworkState> {
    const state = await this.api.network();
    this.adopt(state);
    return state;
  }

  /** `GET /api/network`, keeping the last state when the lab does not answer. */
  async refresh(): Promise<void> {
    try {
      await this.read();
    } catch {
      // Keep the last state, as for the feed's status.
    }
  }

  /** `PUT /api/network`: a profile or custom values, for everyone going through the conditioner. */
  async change(request: NetworkRequest): Promise<void> {
    await this.control(() => this.api.setNetwork(request));
  }

  /** `POST /api/network/faults`: drop all, stall, chaos or calm. */
  async fault(request: FaultRequest): Promise<void> {
    await this.control(() => this.api.fault(request));
  }

  dismissError(): void {
    this.refusal = null;
    this.options.changed();
  }

  private async control(call: () => Promise<NetworkState>): Promise<void> {
    try {
      this.adopt(await call());
      this.refusal = null;
    } catch (error) {
      this.refusal = plainControlError(error, this.api.hasToken);
    }
    this.options.changed();
  }

  private adopt(state: NetworkState): void {
    const before = this.current;
    // The same answer keeps the same object, so the network panel does not redraw every 2 s for nothing.
    if (before && JSON.stringify(before) === JSON.stringify(state)) return;
    this.current = state;
    if (before && shapeChanged(before, state)) this.options.onShapeChange();
  }
}
