'use strict';
// Round baseline-put: bench:Put of a new key per transaction, the network's write ceiling.
const { WorkloadModuleBase } = require('@hyperledger/caliper-core');
const { MSP, request } = require('./lib');

class BaselinePut extends WorkloadModuleBase {
    async initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext) {
        await super.initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext);
        this.prefix = `caliper-${Date.now().toString(36)}-${workerIndex}-`;
        this.n = 0;
    }

    async submitTransaction() {
        const key = this.prefix + this.n++;
        await this.sutAdapter.sendRequests(request(MSP.manufacturer, 'bench:Put', [key, 'v']));
    }
}

module.exports.createWorkloadModule = () => new BaselinePut();
