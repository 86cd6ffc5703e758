// The runtime's loading stages in words, one home for every widget's status line and for
// runtime.js's stall message. A stage comes from runtime.js's progress events ({stage, loaded,
// total, file}); each widget words the sentence around it, never the stage itself.

import { megabytes } from "./number_format.js";

const NAMES = {
  idle: "waiting to start Python",
  download: "downloading Python and NumPy",
  "start-python": "starting Python",
  "restore-python": "restoring Python",
  "load-numpy": "loading NumPy",
  "load-module": "loading the biasgrad module",
};

// The stage's name, lower case ("restoring Python"); an unknown stage is "loading Python".
export function stageName(stage) {
  return NAMES[stage] || "loading Python";
}

// The same name as the start of a sentence ("Restoring Python").
export function stageLabel(stage) {
  const name = stageName(stage);
  return name[0].toUpperCase() + name.slice(1);
}

// "(11.9 of 17.0 MB)" while the size is known, "" otherwise.
export function amount(state) {
  return state.total ? `(${megabytes(state.loaded || 0)} of ${megabytes(state.total)} MB)` : "";
}
