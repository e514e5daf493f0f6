'use strict';
// Round baseline-put: Put of the tracebench chaincode,  a new key per transaction, the network's write ceiling.
const { WorkloadModuleBase } = require('@hyperledger/caliper-core');
const { BENCH_CONTRACT, MSP, request } = require('./lib');

class BaselinePut extends WorkloadModuleBase {
    async initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext) {
        await super.initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext);
        this.prefix = `caliper-${Date.now().toString(36)}-${workerIndex}-`;
        this.n = 0;
    }

    async submitTransaction() {
        const key = this.prefix + this.n++;
        await this.sutAdapter.sendRequests(request(MSP.manufacturer, 'Put', [key, 'v'], { contractId: BENCH_CONTRACT }));
    }
}

module.exports.createWorkloadModule = () => new BaselinePut();
