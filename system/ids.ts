// The systemId format lives in machines/ (the lowest layer, so the machines can use it); kept here for the system's code.
export * from '../machines/ids';
