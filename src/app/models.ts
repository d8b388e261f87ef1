/** Every trained model is kept in this browser under this name, so a reload does not lose it. */
export const LATEST_MODEL = "tunelab-latest";
