// The umbrella module: `import NLPKit` brings in every layer.
@_exported import NLPFiles
@_exported import NLPTensor
@_exported import NLPTokenizers
@_exported import NLPModels
@_exported import NLPTraining
