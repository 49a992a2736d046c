// Placeholder entry point; replaced by the emulator.
return 0;
