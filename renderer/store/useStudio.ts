import { create } from 'zustand';
import { createGraphSlice, type GraphSlice } from './graphSlice';
import { createRunSlice, type RunSlice } from './runSlice';
import { createUiSlice, type UiSlice } from './uiSlice';

export type StudioState = GraphSlice & RunSlice & UiSlice;

/** The studio's one store, in three slices: graph (document, validation, history), run, ui. */
export const useStudio = create<StudioState>()((...a) => ({
  ...createGraphSlice(...a),
  ...createRunSlice(...a),
  ...createUiSlice(...a),
}));
