// Placeholder entry point; replaced by the host composition.
return 0;
